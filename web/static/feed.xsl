<?xml version="1.0" encoding="utf-8"?>
<!-- An Atom feed opened in a browser: a readable page instead of raw XML. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/atom:feed">
    <html lang="{@xml:lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/></title>
        <link rel="stylesheet" href="/static/style.css"/>
      </head>
      <body>
        <main class="feed">
          <h1><xsl:value-of select="atom:title"/></h1>
          <p class="notice"><xsl:value-of select="atom:subtitle"/></p>
          <p><a href="{atom:link[@rel='alternate']/@href}">&#8592; <xsl:value-of select="atom:link[@rel='alternate']/@href"/></a></p>
          <ol class="hits">
            <xsl:for-each select="atom:entry">
              <li class="hit">
                <h3><a href="{atom:link/@href}"><xsl:value-of select="atom:title"/></a></h3>
                <p class="meta"><xsl:value-of select="substring(atom:published, 1, 10)"/></p>
                <p><xsl:value-of select="atom:summary"/></p>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
