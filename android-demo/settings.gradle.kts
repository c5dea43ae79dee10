// The hawiya demo app: a wallet screen and a verifier screen over the Rust core.
// Open this folder (android-demo/) in Android Studio; see README.md first.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "hawiya-demo"

// :logic is plain Kotlin (no android.*): the state and rules behind the
// screens, plus the Kotlin bindings generated from the Rust library.
// :app is the Android app (Compose UI, CameraX, Keystore) on top of it.
include(":logic", ":app")
