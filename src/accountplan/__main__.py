from accountplan.cli import main

main()
