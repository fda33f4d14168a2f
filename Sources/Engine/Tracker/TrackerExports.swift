// The tracker types in the announcer's API (AnnounceEvent, TrackerStatus, ScrapeResult, TrackerError, ...)
// come from the pure Tracker module; re-export it so that `import Engine` is enough to use them.
@_exported import Tracker
