from channels.generic.websocket import AsyncJsonWebsocketConsumer


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    pass
