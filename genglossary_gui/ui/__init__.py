"""Qt widgets: the main window, pages, item models and dialogs."""
