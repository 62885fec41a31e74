from dockguard.cli import main

main()
