"""HTTP and websocket adapters over the service and the event store."""
