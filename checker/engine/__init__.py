"""Policy engines behind one protocol (`checker.engine.base.Engine`)."""
