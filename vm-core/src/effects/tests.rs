//! Unit tests of the analysis.
