from aksnet.cli.main import main

raise SystemExit(main())
