from genglossary_gui.app import main

raise SystemExit(main())
