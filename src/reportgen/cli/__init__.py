"""The command line (命令行): click lives only in this subpackage; ``app.main`` is ``reportgen``."""
