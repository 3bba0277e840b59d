"""Letters of credit: terms, amendments, utilisation, presentations and exposure (docs/lcs.md)."""
