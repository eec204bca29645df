"""The engine's kernel: streams, sampling, arrivals, network, facilities, calendars, run control."""
