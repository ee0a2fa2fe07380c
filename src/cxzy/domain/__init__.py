"""The pure domain: records, rules, aggregates, status. No I/O, no clock."""
