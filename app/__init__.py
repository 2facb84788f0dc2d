"""SleepLM Explorer app: chat routing, plots and the Gradio UI."""
