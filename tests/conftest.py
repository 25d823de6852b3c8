pytest_plugins = ["plugins.visual"]
