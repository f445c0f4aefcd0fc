from fabrique.cli import main

main()
