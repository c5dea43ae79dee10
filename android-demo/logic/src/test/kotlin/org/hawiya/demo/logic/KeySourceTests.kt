package org.hawiya.demo.logic

import hawiya.ffi.KeySourceException
import hawiya.ffi.Wallet
import hawiya.ffi.WalletException
import hawiya.ffi.defaultWalletOptions
import java.io.File
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

class KeySourceTests : Suite() {
    private fun wrapper(key: WrappingKey = MemoryWrappingKey(), auth: CipherAuthenticator = ScriptedAuthenticator()) =
        DataKeyWrapper(key, auth)

    init {
        test("wrap then unwrap gives the data key back, in the documented layout") {
            val auth = ScriptedAuthenticator()
            val w = wrapper(auth = auth)
            val dataKey = ByteArray(32) { it.toByte() }
            val wrapped = w.wrap(dataKey)
            assertEquals(1 + 12 + 32 + 16, wrapped.size)
            assertEquals(DataKeyWrapper.FORMAT_VERSION, wrapped[0])
            assertFalse(wrapped.toList().windowed(32).any { it == dataKey.toList() }, "no clear key inside")
            assertContentEquals(dataKey, w.unwrap(wrapped))
            assertEquals(listOf(KeyUse.CREATE, KeyUse.UNLOCK), auth.uses, "one prompt per use")
        }

        test("two wraps of one key differ (fresh IV each time)") {
            val w = wrapper()
            val dataKey = ByteArray(32) { 7 }
            assertFalse(w.wrap(dataKey).contentEquals(w.wrap(dataKey)))
        }

        test("a refused prompt is Rejected, a cancelled one Cancelled, an impossible one Unavailable") {
            val auth = ScriptedAuthenticator()
            val source = WrappedKeySource(wrapper(auth = auth))
            val wrapped = source.wrap(ByteArray(32))
            auth.answer = Authorization.Refused("wrong finger")
            assertFailsWith<KeySourceException.Rejected> { source.unwrap(wrapped) }
            auth.answer = Authorization.Cancelled("the holder tapped Cancel")
            assertFailsWith<KeySourceException.Cancelled> { source.unwrap(wrapped) }
            auth.answer = Authorization.Impossible("no biometrics enrolled")
            val e = assertFailsWith<KeySourceException.Unavailable> { source.unwrap(wrapped) }
            assertEquals("no biometrics enrolled", e.reason)
        }

        test("damaged or foreign wrapped bytes are Unavailable, never a crash") {
            val source = WrappedKeySource(wrapper())
            val wrapped = source.wrap(ByteArray(32) { 1 })
            val flipped = wrapped.copyOf().also { it[20] = (it[20].toInt() xor 1).toByte() }
            assertFailsWith<KeySourceException.Unavailable> { source.unwrap(flipped) }
            val otherVersion = wrapped.copyOf().also { it[0] = 2 }
            assertFailsWith<KeySourceException.Unavailable> { source.unwrap(otherVersion) }
            assertFailsWith<KeySourceException.Unavailable> { source.unwrap(ByteArray(5)) }
            val otherKey = WrappedKeySource(wrapper(MemoryWrappingKey()))
            assertFailsWith<KeySourceException.Unavailable> { otherKey.unwrap(wrapped) }
        }

        test("the data key handed to wrap is wiped once wrapped, and still unwraps") {
            val source = WrappedKeySource(wrapper())
            val dataKey = ByteArray(32) { (it + 1).toByte() }
            val wrapped = source.wrap(dataKey)
            assertTrue(dataKey.all { it == 0.toByte() })
            assertContentEquals(ByteArray(32) { (it + 1).toByte() }, source.unwrap(wrapped))
        }

        test("a missing platform key is Unavailable") {
            val gone = object : WrappingKey {
                override fun key() = throw java.security.KeyStoreException("invalidated")
                override fun delete() = Unit
            }
            assertFailsWith<KeySourceException.Unavailable> { WrappedKeySource(wrapper(gone)).wrap(ByteArray(32)) }
        }

        test("the wallet unlocks through it; a refusal counts as a failed attempt, unavailability does not") {
            val folder = tempFolder()
            val path = File(folder, "w.db").path
            val auth = ScriptedAuthenticator()
            val key = MemoryWrappingKey()
            val source = WrappedKeySource(DataKeyWrapper(key, auth))
            Wallet.createWithKeySource(path, source, defaultWalletOptions(), null).use { it.createDeviceKey() }
            Wallet.open(path, defaultWalletOptions(), null).use { wallet ->
                assertFalse(wallet.isUnlocked())
                auth.answer = Authorization.Refused("wrong finger")
                assertFailsWith<WalletException.KeySourceRejected> { wallet.unlockWithKeySource(source) }
                assertEquals(1u, wallet.failedAttempts().failures)
                auth.answer = Authorization.Impossible("sensor broken")
                assertFailsWith<WalletException.KeySourceUnavailable> { wallet.unlockWithKeySource(source) }
                assertEquals(1u, wallet.failedAttempts().failures, "hardware trouble is not the holder's guess")
                auth.answer = Authorization.Cancelled("timed out")
                repeat(50) {
                    assertFailsWith<WalletException.KeySourceCancelled> { wallet.unlockWithKeySource(source) }
                }
                assertEquals(1u, wallet.failedAttempts().failures, "a cancelled prompt is not a guess")
                auth.answer = Authorization.Approved
                wallet.unlockWithKeySource(source)
                assertTrue(wallet.isUnlocked())
                assertEquals(1, wallet.deviceKeys().size)
                assertEquals(0u, wallet.failedAttempts().failures)
            }
        }

        test("a wallet wrapped by one phone's key does not open with another's") {
            val folder = tempFolder()
            val path = File(folder, "w.db").path
            val source = WrappedKeySource(DataKeyWrapper(MemoryWrappingKey(), ScriptedAuthenticator()))
            Wallet.createWithKeySource(path, source, defaultWalletOptions(), null).close()
            val stranger = WrappedKeySource(DataKeyWrapper(MemoryWrappingKey(), ScriptedAuthenticator()))
            Wallet.open(path, defaultWalletOptions(), null).use { wallet ->
                assertFailsWith<WalletException.KeySourceUnavailable> { wallet.unlockWithKeySource(stranger) }
                assertFalse(wallet.isUnlocked())
            }
        }
    }
}
