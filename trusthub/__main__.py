from __future__ import annotations

from trusthub.cli.main import main

raise SystemExit(main())
