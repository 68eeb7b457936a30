"""The real-time path: wire messages, connections, the hub and the broker."""
