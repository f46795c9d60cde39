from rest_framework import serializers


class ReadinessCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField()
    fix_url = serializers.CharField()
    gaps = serializers.ListField(child=serializers.CharField())


class ReadinessSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    checks = ReadinessCheckSerializer(many=True)
