"""The kiosk\x27s touchscreen face (Kivy): screens that show a flow\x27s state and send it taps."""
