"""DockGuard: copyright and originality checker for drama scripts."""

__version__ = "0.1.0"
