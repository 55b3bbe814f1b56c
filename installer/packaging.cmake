# The Debian package (issue 10): what `cpack` puts into espalier_<version>_<arch>.deb and how it is
# described. Included from the top-level CMakeLists.txt; build it with `cpack --config
# build/release/CPackConfig.cmake` after the build. Installed to /usr: the programs in bin, the
# recipes in share/espalier/recipes (where RecipeLocator looks, relative to the executable), the
# desktop entry, icons, AppStream metadata, man pages, copyright and changelog.
include(GNUInstallDirs)
set(espalier_staging ${PROJECT_BINARY_DIR}/installer)

install(TARGETS espalier espalier-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/recipes/ DESTINATION ${CMAKE_INSTALL_DATADIR}/espalier/recipes
        FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/resources/espalier.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/espalier.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 48 128 256)
    install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/${size}x${size}/espalier.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/resources/espalier.metainfo.xml ${espalier_staging}/espalier.metainfo.xml @ONLY)
install(FILES ${espalier_staging}/espalier.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)

# Man pages and the changelog go in gzipped (-n: no timestamp, so rebuilds are identical).
find_program(ESPALIER_GZIP gzip REQUIRED)
set(espalier_gzipped)
foreach(page espalier.1 espalier-cli.1)
    configure_file(${PROJECT_SOURCE_DIR}/resources/man/${page}.in ${espalier_staging}/${page} @ONLY)
    list(APPEND espalier_gzipped ${page})
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.in ${espalier_staging}/changelog @ONLY)
list(APPEND espalier_gzipped changelog)
set(espalier_gz_files)
foreach(file ${espalier_gzipped})
    add_custom_command(OUTPUT ${espalier_staging}/${file}.gz
        COMMAND ${ESPALIER_GZIP} -9nkf ${espalier_staging}/${file}
        DEPENDS ${espalier_staging}/${file} VERBATIM)
    list(APPEND espalier_gz_files ${espalier_staging}/${file}.gz)
endforeach()
add_custom_target(espalier_package_docs ALL DEPENDS ${espalier_gz_files})
install(FILES ${espalier_staging}/espalier.1.gz ${espalier_staging}/espalier-cli.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${espalier_staging}/changelog.gz ${CMAKE_CURRENT_LIST_DIR}/copyright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/espalier) # DOCDIR would say "Espalier"

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME espalier)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION}) # the one version: project(VERSION) → ESPALIER_VERSION too
set(CPACK_PACKAGE_VENDOR "The Espalier developers")
set(CPACK_PACKAGE_CONTACT "Espalier developers <espalier-dev@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "workbench for pruning neural networks")
# CPack puts the summary first and indents these lines; an empty line becomes " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Espalier prunes neural networks in a window that shows the pruning while it
runs: the density of every layer, saliency histograms, the masks, layer
collapse warnings and accuracy against sparsity. Runs can be paused, stepped,
steered between rounds and rolled back.

Methods: ESPN, magnitude, random, SNIP, GraSP, SynFlow, iterative magnitude
pruning with rewinding, gradual magnitude pruning, Taylor and structured
pruning, on LibTorch. espalier-cli runs the same core headless, also
data-parallel across machines.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries' packages come from dpkg-shlibdeps (LibTorch, Qt 6 Widgets and Svg,
# QCustomPlot, HDF5...); named here is what no binary links directly: an optimised BLAS for
# LibTorch's GEMMs and the Qt platform plugins (xcb for the desktop).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0 | libblas3, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/packages)
include(CPack)
