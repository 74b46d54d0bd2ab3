from futuramon.cli import main

main()
