#ifndef CSECP256K1_SHIM_H
#define CSECP256K1_SHIM_H
#include <secp256k1.h>
#include <secp256k1_recovery.h>

/* The flag macros, as functions Swift can always import. */
static inline unsigned int CSecp256k1_contextNone(void) { return SECP256K1_CONTEXT_NONE; }
static inline unsigned int CSecp256k1_uncompressed(void) { return SECP256K1_EC_UNCOMPRESSED; }
#endif
