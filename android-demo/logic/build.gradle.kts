// :logic — everything behind the screens, in plain Kotlin (no android.*):
// wallet session, disclosure choices, QR refresh timing, verdict and log
// wording, dependents, challenges. It also compiles the Kotlin bindings
// generated from the Rust library and their wrapper (bindings/kotlin/src/main:
// packages hawiya, and hawiya.keysource, the platform-neutral key source), so
// the app gets them from here.
//
// The same sources are compiled with kotlinc and tested on the JVM by
// scripts/test-android-logic.sh (no Gradle needed); `./gradlew :logic:check`
// runs the same tests through Gradle.
import org.gradle.internal.os.OperatingSystem

plugins {
    alias(libs.plugins.kotlin.jvm)
}

// Bytecode for Java 17 (what the app targets), whatever JDK runs Gradle.
java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}
kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

val rustWorkspace: File = rootProject.file(providers.gradleProperty("hawiya.rustWorkspace").getOrElse(".."))
// The cargo to run. Android Studio started from a desktop launcher often
// does not see the shell's PATH (rustup puts cargo in ~/.cargo/bin), so:
// -Phawiya.cargo=/path/to/cargo (or hawiya.cargo=... in gradle.properties or
// ~/.gradle/gradle.properties), else the HAWIYA_CARGO environment variable,
// else ~/.cargo/bin/cargo when it exists, else "cargo" on the PATH.
val cargo: String = providers.gradleProperty("hawiya.cargo")
    .orElse(providers.environmentVariable("HAWIYA_CARGO"))
    .getOrElse(
        File(System.getProperty("user.home"), ".cargo/bin/cargo").takeIf { it.canExecute() }?.path ?: "cargo",
    )
val generatedKotlin: Provider<Directory> = layout.buildDirectory.dir("generated/uniffi/kotlin")

// The host build of the library: uniffi-bindgen reads the API from it
// (library mode), and the JVM tests load it through JNA.
val hostLibrary: File = rustWorkspace.resolve(
    "target/debug/" + when {
        OperatingSystem.current().isMacOsX -> "libhawiya_ffi.dylib"
        OperatingSystem.current().isWindows -> "hawiya_ffi.dll"
        else -> "libhawiya_ffi.so"
    },
)

val cargoBuildHost by tasks.registering(Exec::class) {
    group = "rust"
    description = "Builds libhawiya_ffi and uniffi-bindgen for this computer."
    workingDir = rustWorkspace
    // With the test issuer, which the demo and its tests use.
    commandLine(cargo, "build", "-p", "hawiya-ffi", "--features", "hawiya-ffi/test-issuer", "-p", "hawiya-uniffi-bindgen", "--locked")
    outputs.upToDateWhen { false }
}

val generateBindings by tasks.registering(Exec::class) {
    group = "rust"
    description = "Generates the Kotlin bindings (package hawiya.ffi) from the built library."
    dependsOn(cargoBuildHost)
    workingDir = rustWorkspace
    val out = generatedKotlin.get().asFile
    val globalConfig = layout.buildDirectory.file("uniffi-global.toml").get().asFile
    doFirst {
        out.deleteRecursively()
        globalConfig.parentFile.mkdirs()
        // Points uniffi-bindgen at bindings/uniffi.toml (package name, library name).
        globalConfig.writeText("[crate-roots]\nhawiya_ffi = \"${rustWorkspace.resolve("bindings").absolutePath.replace("\\", "/")}\"\n")
    }
    commandLine(
        rustWorkspace.resolve("target/debug/uniffi-bindgen").absolutePath,
        "generate", "--library", hostLibrary.absolutePath,
        "--language", "kotlin", "--no-format",
        "--config", globalConfig.absolutePath,
        "--out-dir", out.absolutePath,
    )
    outputs.dir(out)
    outputs.upToDateWhen { false }
}

sourceSets {
    main {
        // The generated API (hawiya.ffi) and its idiomatic wrapper (hawiya).
        kotlin.srcDir(generatedKotlin)
        kotlin.srcDir(rustWorkspace.resolve("bindings/kotlin/src/main/kotlin"))
    }
}

tasks.named("compileKotlin") { dependsOn(generateBindings) }

dependencies {
    // The JVM jar to compile and test; the Android app adds JNA's aar.
    compileOnly(libs.jna)
    // The SDK's coroutine API (hawiya.AsyncWallet, the live presentation Flow).
    implementation(libs.kotlinx.coroutines.core)
    testImplementation(libs.jna)
    testImplementation(libs.kotlin.test)
}

// The tests use their own small runner (Harness.kt), the same one the
// kotlinc-based script runs, so they need no JUnit.
val logicTest by tasks.registering(JavaExec::class) {
    group = "verification"
    description = "Runs the logic tests on the JVM against the host build of the Rust library."
    dependsOn(cargoBuildHost, tasks.named("testClasses"))
    classpath = sourceSets["test"].runtimeClasspath
    mainClass.set("org.hawiya.demo.logic.HarnessKt")
    workingDir = rustWorkspace
    systemProperty("jna.library.path", hostLibrary.parentFile.absolutePath)
}

tasks.named("check") { dependsOn(logicTest) }
