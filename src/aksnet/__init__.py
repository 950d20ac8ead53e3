"""aksnet: Azure Kubernetes Service networking, emulated and analysed on one Linux machine."""

__version__ = "0.1.0"
