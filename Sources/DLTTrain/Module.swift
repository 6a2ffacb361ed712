// Module DLTTrain: see docs/engine.md and ARCHITECTURE for its role.
