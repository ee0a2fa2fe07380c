"""One screen per file: overview, unit, log, help, prompt, empty store."""
