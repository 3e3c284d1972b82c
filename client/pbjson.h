/* pbjson — any protobuf-c message as JSON (jansson), walking its descriptor: the --json output of
 * every lkip command without per-command code. Field names are the .proto names; empty oneof
 * members are left out; bytes become their length and SHA-256. */
#ifndef LKIP_PBJSON_H
#define LKIP_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* Returns a new JSON object; caller owns it (json_decref). */
json_t *pbjson_message(const ProtobufCMessage *m);

#endif
