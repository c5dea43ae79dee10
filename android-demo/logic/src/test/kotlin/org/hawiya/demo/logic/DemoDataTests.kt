package org.hawiya.demo.logic

import hawiya.keysource.PlatformKeySource
import hawiya.keysource.DataKeyWrapper
import hawiya.keysource.Authorization
import hawiya.keysource.CancelKind
import hawiya.keysource.KeyUse

import hawiya.ffi.Disclosure
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

class DemoDataTests : Suite() {
    init {
        test("first start: one wrap prompt, an unlocked wallet with two documents, verifier files written") {
            val fx = DemoFixture()
            assertEquals(listOf(KeyUse.CREATE), fx.authenticator.uses)
            assertTrue(fx.demo.wallet.isUnlocked())
            assertEquals(
                listOf(DemoData.HOLDER_NUMBER, DemoData.CHILD_NUMBER),
                fx.demo.wallet.documents().map { it.number.toLong() },
            )
            for (name in listOf("wallet.db", "trust-list.cbor", "status-list.cbor", "root.pub")) {
                assertTrue(File(fx.folder, name).isFile, name)
            }
            // Each document came with its printed card's credential.
            assertTrue(fx.demo.wallet.documents().all { it.printable })
        }

        test("the demo issues both: the phone's code verifies as timed, the printed card's as printed") {
            val fx = DemoFixture()
            val verifier = fx.demo.verifier()
            for (number in listOf(DemoData.HOLDER_NUMBER, DemoData.CHILD_NUMBER)) {
                val phone = fx.demo.wallet.present(number.toULong(), Disclosure.Full, null)
                assertEquals(hawiya.ffi.Assurance.TIMED, verifier.verify(phone.qrText, null).assurance)
                val printed = fx.demo.wallet.presentStatic(number.toULong(), Disclosure.Full)
                val verdict = verifier.verify(printed.qrText, null)
                assertTrue(verdict.accepted, verdict.failures.toString())
                assertEquals(hawiya.ffi.Assurance.PRINTED, verdict.assurance)
            }
        }

        test("next start: the same wallet opens locked and unlocks with the key source") {
            val fx = DemoFixture()
            fx.demo.wallet.close()
            val again = DemoData.openOrCreate(fx.folder, fx.keySource, fx.clock)
            assertFalse(again.wallet.isUnlocked())
            again.wallet.unlockWithKeySource(fx.keySource)
            assertEquals(2, again.wallet.documents().size)
            val text = again.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Full, null).qrText
            assertTrue(again.verifier().verify(text, null).accepted)
            again.wallet.close()
        }

        test("a first start cut short starts over rather than opening half a demo") {
            val fx = DemoFixture()
            fx.demo.wallet.close()
            File(fx.folder, "status-list.cbor").delete()
            val auth = ScriptedAuthenticator()
            val source = PlatformKeySource(DataKeyWrapper(MemoryWrappingKey(), auth))
            val again = DemoData.openOrCreate(fx.folder, source, fx.clock)
            assertTrue(again.wallet.isUnlocked(), "a new wallet")
            assertEquals(listOf(KeyUse.CREATE), auth.uses)
            assertEquals(2, again.wallet.documents().size)
            again.wallet.close()
        }

        test("a refused prompt on first start leaves no wallet behind") {
            val folder = tempFolder()
            val auth = ScriptedAuthenticator(Authorization.Cancelled(CancelKind.USER, "the holder tapped Cancel"))
            val source = PlatformKeySource(DataKeyWrapper(MemoryWrappingKey(), auth))
            val failure = runCatching { DemoData.openOrCreate(folder, source, ManualClock()) }.exceptionOrNull()
            assertTrue(failure is hawiya.ffi.WalletException, "got $failure")
            assertFalse(File(folder, "wallet.db").exists())
        }
    }
}
