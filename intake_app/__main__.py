from intake_app.cli.main import run

run()
