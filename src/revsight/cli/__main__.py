from revsight.cli import main

main()
