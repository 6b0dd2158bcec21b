from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import user_roles


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    is_superuser = serializers.BooleanField()


class MeView(APIView):
    """Who the caller is, and which roles they hold."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        return Response(
            MeSerializer(
                {
                    "username": user.get_username(),
                    "roles": user_roles(user),
                    "is_superuser": user.is_superuser,
                }
            ).data
        )
