"""The in-app notification centre and outbound channels (SMS, WeChat) behind one interface."""
