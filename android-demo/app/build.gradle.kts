// The Android app: Compose screens, CameraX + ML Kit scanner, and the SDK's
// Android Keystore key source (bindings/android/src/main/kotlin).
// Everything else (state, rules, texts) lives in :logic.
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

// ---------------------------------------------------------------------------
// The Rust library for Android: `cargo ndk` cross-compiles hawiya-ffi for each
// ABI into build/rustJniLibs/<abi>/libhawiya_ffi.so, which the APK packages.
// Needs the NDK (ANDROID_NDK_HOME, or the one Android Studio installed),
// `cargo install cargo-ndk`, and `rustup target add aarch64-linux-android
// x86_64-linux-android`. The output is build output, never committed.
// ---------------------------------------------------------------------------
val rustWorkspace: File = rootProject.file(providers.gradleProperty("hawiya.rustWorkspace").getOrElse(".."))
val rustAbis: List<String> = providers.gradleProperty("hawiya.abis").getOrElse("arm64-v8a,x86_64")
    .split(',').map { it.trim() }.filter { it.isNotEmpty() }
val cargoProfile: String = providers.gradleProperty("hawiya.cargoProfile").getOrElse("release")
val jniLibsDir: File = layout.buildDirectory.dir("rustJniLibs").get().asFile
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

android {
    namespace = "org.hawiya.demo"
    compileSdk = 35

    defaultConfig {
        applicationId = "org.hawiya.demo"
        // 30 (Android 11): Keystore keys that accept biometrics or the device
        // credential per use (setUserAuthenticationParameters).
        minSdk = 30
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk {
            abiFilters += rustAbis
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = false
            // Needed once minification is switched on (JNA uses reflection).
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
            // A demo: signed with the debug key so `assembleRelease` installs.
            signingConfig = signingConfigs.getByName("debug")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    buildFeatures {
        compose = true
    }
    sourceSets["main"].jniLibs.srcDir(jniLibsDir)
    // The SDK's Android key source (package hawiya.android: Keystore key,
    // BiometricPrompt), compiled into the app from the SDK's own sources.
    sourceSets["main"].java.srcDir(rustWorkspace.resolve("bindings/android/src/main/kotlin"))
}

kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17)
    }
}

dependencies {
    implementation(project(":logic"))
    // On Android JNA comes as an aar with its native dispatcher per ABI;
    // :logic only compiles against the jar.
    implementation(libs.jna) { artifact { type = "aar" } }
    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.fragment.ktx)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(libs.androidx.biometric)
    implementation(platform(libs.compose.bom))
    implementation(libs.compose.ui)
    implementation(libs.compose.material3)
    implementation(libs.compose.ui.tooling.preview)
    debugImplementation(libs.compose.ui.tooling)
    implementation(libs.camerax.camera2)
    implementation(libs.camerax.lifecycle)
    implementation(libs.camerax.view)
    implementation(libs.mlkit.barcode.scanning)
    implementation(libs.kotlinx.coroutines.android)
}

val cargoNdkBuild by tasks.registering(Exec::class) {
    group = "rust"
    description = "Builds libhawiya_ffi.so for ${rustAbis.joinToString()} with cargo-ndk."
    workingDir = rustWorkspace
    val args = mutableListOf(cargo, "ndk", "--platform", "30")
    rustAbis.forEach { args += listOf("-t", it) }
    // The demo issues its own credentials: the test issuer is in its library
    // (an app's library is built without the feature).
    args += listOf("-o", jniLibsDir.absolutePath, "build", "-p", "hawiya-ffi", "--features", "test-issuer", "--locked")
    if (cargoProfile == "release") args += "--release"
    commandLine(args)
    // Cargo decides what is stale; Gradle always asks it.
    outputs.upToDateWhen { false }
    doFirst { jniLibsDir.mkdirs() }
}

tasks.named("preBuild") { dependsOn(cargoNdkBuild) }
