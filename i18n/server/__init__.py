"""`i18n serve`: the browser review server (a front end beside the CLI, over the same library)."""
