from cagettes.cli import run

run()
