// hawiya-android: the hawiya SDK for Android apps, as an Android library
// (AAR) published with maven-publish. Build and publish from this folder
// (README.md says what to install and what to run); an app in this
// repository can include this build (`includeBuild("../bindings/android")`)
// and depend on it by its coordinates, org.hawiya:hawiya-android.
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

// The artifact id: org.hawiya:hawiya-android.
rootProject.name = "hawiya-android"
