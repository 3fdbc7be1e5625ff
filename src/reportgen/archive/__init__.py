"""The BagIt archive package of a report: writing it and verifying it."""
