from channels.generic.websocket import AsyncJsonWebsocketConsumer


class VisitorConsumer(AsyncJsonWebsocketConsumer):
    pass
