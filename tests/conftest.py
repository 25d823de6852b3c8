pytest_plugins = ["plugins.visual", "plugins.example"]
