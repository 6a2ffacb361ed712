// Module DLTConfig: see docs/engine.md and ARCHITECTURE for its role.
