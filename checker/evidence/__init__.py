"""Evidence collectors: each turns one source (a file, the git tree) into plain data with provenance."""
