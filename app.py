"""Entry point: ``python app.py [--model PATH] [--index DIR] [--host H] [--port P] [--share]``."""

from app.main import main

if __name__ == "__main__":
    main()
