"""What Meta's three channels share: the webhook signature (X-Hub-Signature-256)
and subscription handshake, Graph API calls and their errors, and the 24-hour
customer-service window. WhatsApp, Messenger and Instagram build on it."""
