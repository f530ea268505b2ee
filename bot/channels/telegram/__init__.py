"""The Telegram channel: python-telegram-bot application, handlers, keyboards, HTML."""
