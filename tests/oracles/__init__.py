"""Reference implementations (oracles) the tests compare the production code against."""
