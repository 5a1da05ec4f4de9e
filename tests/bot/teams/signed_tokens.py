"""Bot Framework tokens signed by a local key that botbuilder's key cache is told to trust."""

import json
import time
from datetime import datetime
from typing import Any

import jwt
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "haven-test-key"
PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def trust_test_key() -> None:
    """Put the local public key in botbuilder's cache of Bot Framework signing keys."""
    jwk = json.loads(RSAAlgorithm.to_jwk(PRIVATE_KEY.public_key()))
    metadata = _OpenIdMetadata(AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL)
    metadata.keys = [{**jwk, "kid": KEY_ID, "endorsements": ["msteams"]}]
    metadata.last_updated = datetime.now()
    JwtTokenExtractor.metadataCache[metadata.url] = metadata


def channel_token(*, app_id: str, service_url: str, **claims: Any) -> str:
    """Return a token as the Bot Framework channel signs it; claims=None leaves a claim out."""
    now = int(time.time())
    payload = {
        "iss": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        "aud": app_id,
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + 3600,
        **claims,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, PRIVATE_KEY, algorithm="RS256", headers={"kid": KEY_ID})
