"""Thin shim: `python cli.py ...` runs the dockguard command line."""

from dockguard.cli import main

if __name__ == "__main__":
    main()
