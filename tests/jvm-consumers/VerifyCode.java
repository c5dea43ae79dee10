// A plain Java program using the hawiya JVM library (hawiya-jvm-VERSION.jar)
// as a back office would: it checks a scanned QR code offline against a
// pinned root key, the issuer's trust list and status list, and prints the
// verdict. It lives outside the repository's source sets on purpose:
// scripts/test-jvm-jar.sh copies it to a temporary folder and compiles it
// with `javac -cp hawiya-jvm.jar:jna.jar` alone.
//
//   java -cp .:hawiya-jvm.jar:jna.jar:kotlin-stdlib.jar VerifyCode \
//       ROOT_PUB TRUST_LIST STATUS_LIST CODE_FILE
//
// ROOT_PUB is the root's public key, 64 hex digits or a JSON file with
// "public_key" (the demo's root.pub). Exit status: 0 accepted, 1 rejected,
// 2 the inputs could not be read.
import hawiya.ffi.Hawiya_ffiKt;
import hawiya.ffi.Reason;
import hawiya.ffi.TrustList;
import hawiya.ffi.Verdict;
import hawiya.ffi.Verifier;
import hawiya.ffi.VerifyException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class VerifyCode {
    private VerifyCode() {}

    /** The 32 bytes of a root public key: 64 hex digits, bare or as JSON "public_key". */
    static byte[] rootKey(String text) {
        Matcher m = Pattern.compile("\\b([0-9a-fA-F]{64})\\b").matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("no 64-hex-digit root public key found");
        }
        String hex = m.group(1);
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return key;
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: VerifyCode ROOT_PUB TRUST_LIST STATUS_LIST CODE_FILE");
            System.exit(2);
        }
        try {
            byte[] root = rootKey(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
            TrustList trust = TrustList.Companion.fromSigned(Files.readAllBytes(Path.of(args[1])), root);
            // The QR text exactly as scanned, one trailing line ending removed (FORMAT.md §6.1).
            String code = Files.readString(Path.of(args[3]), StandardCharsets.UTF_8).replaceFirst("\r?\n$", "");
            Verdict verdict;
            try (Verifier verifier = new Verifier(trust, Hawiya_ffiKt.defaultPolicy(), null)) {
                verifier.addStatusList(Files.readAllBytes(Path.of(args[2])));
                verdict = verifier.verify(code, null);
            }
            System.out.println("hawiya " + Hawiya_ffiKt.libraryVersion() + " (Java)");
            if (verdict.getAccepted()) {
                System.out.println("ACCEPTED (" + verdict.getAssurance() + "): "
                        + verdict.getDocumentType() + ", " + verdict.getClaims().size() + " claims");
                System.exit(0);
            }
            StringBuilder reasons = new StringBuilder();
            for (Reason reason : verdict.getFailures()) {
                reasons.append(" [").append(reason.getCode()).append("] ").append(reason.getMessage());
            }
            System.out.println("REJECTED:" + reasons);
            System.exit(1);
        } catch (IOException | IllegalArgumentException | VerifyException e) {
            System.err.println("VerifyCode: " + e.getMessage());
            System.exit(2);
        }
    }
}
